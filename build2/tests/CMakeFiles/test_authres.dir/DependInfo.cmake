
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-poison/tests/unit/test_authres.c" "tests/CMakeFiles/test_authres.dir/unit/test_authres.c.o" "gcc" "tests/CMakeFiles/test_authres.dir/unit/test_authres.c.o.d"
  "/work/wt-poison/tests/unit/testutil.c" "tests/CMakeFiles/test_authres.dir/unit/testutil.c.o" "gcc" "tests/CMakeFiles/test_authres.dir/unit/testutil.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-poison/build2/CMakeFiles/picflow_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
