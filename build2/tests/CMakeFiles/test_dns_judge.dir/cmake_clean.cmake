file(REMOVE_RECURSE
  "CMakeFiles/test_dns_judge.dir/unit/test_dns_judge.c.o"
  "CMakeFiles/test_dns_judge.dir/unit/test_dns_judge.c.o.d"
  "CMakeFiles/test_dns_judge.dir/unit/testutil.c.o"
  "CMakeFiles/test_dns_judge.dir/unit/testutil.c.o.d"
  "test_dns_judge"
  "test_dns_judge.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_dns_judge.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
