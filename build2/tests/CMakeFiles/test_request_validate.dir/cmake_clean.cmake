file(REMOVE_RECURSE
  "CMakeFiles/test_request_validate.dir/unit/test_request_validate.c.o"
  "CMakeFiles/test_request_validate.dir/unit/test_request_validate.c.o.d"
  "CMakeFiles/test_request_validate.dir/unit/testutil.c.o"
  "CMakeFiles/test_request_validate.dir/unit/testutil.c.o.d"
  "test_request_validate"
  "test_request_validate.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_request_validate.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
