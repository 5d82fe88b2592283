# Empty dependencies file for picflow.
# This may be replaced when dependencies are built.
