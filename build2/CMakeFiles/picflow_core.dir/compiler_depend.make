# Empty compiler generated dependencies file for picflow_core.
# This may be replaced when dependencies are built.
