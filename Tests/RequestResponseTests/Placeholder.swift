// Tests for the request-response layer.
