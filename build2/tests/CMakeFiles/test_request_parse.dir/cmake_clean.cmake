file(REMOVE_RECURSE
  "CMakeFiles/test_request_parse.dir/unit/test_request_parse.c.o"
  "CMakeFiles/test_request_parse.dir/unit/test_request_parse.c.o.d"
  "CMakeFiles/test_request_parse.dir/unit/testutil.c.o"
  "CMakeFiles/test_request_parse.dir/unit/testutil.c.o.d"
  "test_request_parse"
  "test_request_parse.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_request_parse.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
