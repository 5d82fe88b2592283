file(REMOVE_RECURSE
  "CMakeFiles/test_robot.dir/unit/test_robot.c.o"
  "CMakeFiles/test_robot.dir/unit/test_robot.c.o.d"
  "CMakeFiles/test_robot.dir/unit/testutil.c.o"
  "CMakeFiles/test_robot.dir/unit/testutil.c.o.d"
  "test_robot"
  "test_robot.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_robot.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
