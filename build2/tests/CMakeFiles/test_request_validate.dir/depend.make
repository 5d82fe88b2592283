# Empty dependencies file for test_request_validate.
# This may be replaced when dependencies are built.
