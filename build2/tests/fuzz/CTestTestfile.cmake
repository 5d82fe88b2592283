# CMake generated Testfile for 
# Source directory: /work/wt-poison/tests/fuzz
# Build directory: /work/wt-poison/build2/tests/fuzz
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[unit.fuzz_replay_mail]=] "/work/wt-poison/build2/tests/fuzz/replay_mail" "/work/wt-poison/tests/fuzz/corpus/mail" "/work/wt-poison/tests/fuzz/regressions/mail")
set_tests_properties([=[unit.fuzz_replay_mail]=] PROPERTIES  ENVIRONMENT "PICFLOW_DNS_LOOPBACK_ONLY=1;PICFLOW_TEMPLATES=/work/wt-poison/mailtemplates" LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-poison/tests/fuzz/CMakeLists.txt;14;add_test;/work/wt-poison/tests/fuzz/CMakeLists.txt;0;")
add_test([=[unit.fuzz_replay_notice]=] "/work/wt-poison/build2/tests/fuzz/replay_notice" "/work/wt-poison/tests/fuzz/corpus/notice" "/work/wt-poison/tests/fuzz/regressions/notice")
set_tests_properties([=[unit.fuzz_replay_notice]=] PROPERTIES  ENVIRONMENT "PICFLOW_DNS_LOOPBACK_ONLY=1;PICFLOW_TEMPLATES=/work/wt-poison/mailtemplates" LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-poison/tests/fuzz/CMakeLists.txt;14;add_test;/work/wt-poison/tests/fuzz/CMakeLists.txt;0;")
add_test([=[unit.fuzz_replay_authres]=] "/work/wt-poison/build2/tests/fuzz/replay_authres" "/work/wt-poison/tests/fuzz/corpus/authres" "/work/wt-poison/tests/fuzz/regressions/authres")
set_tests_properties([=[unit.fuzz_replay_authres]=] PROPERTIES  ENVIRONMENT "PICFLOW_DNS_LOOPBACK_ONLY=1;PICFLOW_TEMPLATES=/work/wt-poison/mailtemplates" LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-poison/tests/fuzz/CMakeLists.txt;14;add_test;/work/wt-poison/tests/fuzz/CMakeLists.txt;0;")
