# Empty compiler generated dependencies file for test_adversarial.
# This may be replaced when dependencies are built.
