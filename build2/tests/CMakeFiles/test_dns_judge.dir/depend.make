# Empty dependencies file for test_dns_judge.
# This may be replaced when dependencies are built.
