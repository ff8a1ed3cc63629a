"""Small real HTTP servers that speak providers' APIs on loopback, for tests of the modules that call them."""
