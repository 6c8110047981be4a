// The request-response layer; see RequestResponseClient.
