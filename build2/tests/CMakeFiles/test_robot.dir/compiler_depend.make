# Empty compiler generated dependencies file for test_robot.
# This may be replaced when dependencies are built.
