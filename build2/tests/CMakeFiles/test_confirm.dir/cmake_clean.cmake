file(REMOVE_RECURSE
  "CMakeFiles/test_confirm.dir/unit/test_confirm.c.o"
  "CMakeFiles/test_confirm.dir/unit/test_confirm.c.o.d"
  "CMakeFiles/test_confirm.dir/unit/testutil.c.o"
  "CMakeFiles/test_confirm.dir/unit/testutil.c.o.d"
  "test_confirm"
  "test_confirm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_confirm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
