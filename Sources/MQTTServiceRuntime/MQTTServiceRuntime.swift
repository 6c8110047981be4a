// Runtime support shared by rrgen-generated service clients.
