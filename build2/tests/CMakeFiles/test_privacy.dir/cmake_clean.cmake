file(REMOVE_RECURSE
  "CMakeFiles/test_privacy.dir/unit/test_privacy.c.o"
  "CMakeFiles/test_privacy.dir/unit/test_privacy.c.o.d"
  "CMakeFiles/test_privacy.dir/unit/testutil.c.o"
  "CMakeFiles/test_privacy.dir/unit/testutil.c.o.d"
  "test_privacy"
  "test_privacy.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_privacy.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
