file(REMOVE_RECURSE
  "CMakeFiles/picflow.dir/src/main.c.o"
  "CMakeFiles/picflow.dir/src/main.c.o.d"
  "picflow"
  "picflow.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/picflow.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
