file(REMOVE_RECURSE
  "CMakeFiles/test_workflow.dir/unit/test_workflow.c.o"
  "CMakeFiles/test_workflow.dir/unit/test_workflow.c.o.d"
  "CMakeFiles/test_workflow.dir/unit/testutil.c.o"
  "CMakeFiles/test_workflow.dir/unit/testutil.c.o.d"
  "test_workflow"
  "test_workflow.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_workflow.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
