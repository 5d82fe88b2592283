file(REMOVE_RECURSE
  "CMakeFiles/test_authres.dir/unit/test_authres.c.o"
  "CMakeFiles/test_authres.dir/unit/test_authres.c.o.d"
  "CMakeFiles/test_authres.dir/unit/testutil.c.o"
  "CMakeFiles/test_authres.dir/unit/testutil.c.o.d"
  "test_authres"
  "test_authres.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_authres.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
