# Empty dependencies file for test_request_parse.
# This may be replaced when dependencies are built.
