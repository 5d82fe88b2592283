file(REMOVE_RECURSE
  "libpicflow_core.a"
)
