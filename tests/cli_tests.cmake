# Tests that run the samsim command line as a program beyond the Catch2 ones
# (included by tests/CMakeLists.txt when present).
#
# MPI: `mpirun -np N samsim run` must give exactly the single-process result
# (README: "bit-for-bit reproducible for any number of threads or MPI
# processes"), with a fixed trial count and with the half-width stopping rule.
# The comparison is a CMake script (mpi_compare.cmake) and a small C++ program
# (json_compare.cpp): no python or jq needed.

if(NOT TARGET samsim_cli OR NOT SAMSIM_WITH_MPI)
  return()
endif()

find_package(MPI COMPONENTS CXX QUIET)
# The command line links MPI only when src/cli found it: otherwise mpirun would
# start independent single-process runs and the comparison would prove nothing.
get_target_property(samsim_cli_libraries samsim_cli LINK_LIBRARIES)
if(NOT MPI_CXX_FOUND OR NOT "MPI::MPI_CXX" IN_LIST samsim_cli_libraries)
  message(STATUS "samsim tests: the command line has no MPI support; no MPI tests")
  return()
endif()

set(samsim_mpirun_hints "")
if(MPIEXEC_EXECUTABLE)
  get_filename_component(samsim_mpirun_hints "${MPIEXEC_EXECUTABLE}" DIRECTORY)
endif()
find_program(SAMSIM_MPIRUN NAMES mpirun HINTS ${samsim_mpirun_hints})
if(NOT SAMSIM_MPIRUN)
  message(STATUS "samsim tests: mpirun not found; no MPI tests")
  return()
endif()

set(samsim_mpi_test_env "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")
if(SAMSIM_SANITIZE)
  # LeakSanitizer reports Open MPI's own allocations at exit (ompi_op_base_op_select
  # and others, in libmpi): leak detection is off for these tests only. AddressSanitizer's
  # memory checks and UBSan stay on (tried with Open MPI 4.1.4: the tests pass).
  list(APPEND samsim_mpi_test_env "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1")
endif()


# name, ranks, scenario, arguments of `samsim run` (a space-separated string), expect early stop
function(samsim_add_mpi_compare_test name np scenario run_args expect_stopped_early)
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND}
      "-DSAMSIM=$<TARGET_FILE:samsim_cli>"
      "-DMPIRUN=${SAMSIM_MPIRUN}"
      "-DJSON_COMPARE=$<TARGET_FILE:json_compare>"
      "-DSCENARIO=${scenario}"
      "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/${name}"
      "-DNP=${np}"
      "-DRUN_ARGS=${run_args}"
      "-DEXPECT_STOPPED_EARLY=${expect_stopped_early}"
      -P "${CMAKE_CURRENT_LIST_DIR}/mpi_compare.cmake")
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "${samsim_mpi_test_env}"
    TIMEOUT 600
    # Oversubscribed ranks: do not run beside other CPU-heavy tests.
    RUN_SERIAL TRUE)
endfunction()

samsim_add_mpi_compare_test(mpi_run_matches_single_process 2
  "${SAMSIM_SCENARIO_DIR}/small-raid.json" "--trials 3000 --threads 1" OFF)
# Half-width stopping over 3 ranks: the ranks run past the stopping chunk, and rank 0
# must still stop exactly where one process does.
samsim_add_mpi_compare_test(mpi_run_matches_single_process_halfwidth 3
  "${SAMSIM_SCENARIO_DIR}/small-raid.json" "--trials 50000 --threads 1 --target-halfwidth 0.012" ON)

# Importance sampling (--rare-event) over 3 ranks: every rank tunes the same law, the
# relative-error rule stops in the middle of a round (41 chunks, rounds of 3 x 4).
samsim_add_mpi_compare_test(mpi_rare_event_matches_single_process 3
  "${SAMSIM_TEST_DATA_DIR}/rare-disjoint.json"
  "--rare-event --threads 1 --target-relative-error 0.008 --pilot-trials 500" ON)

# Kill-and-resume and interrupts under mpirun (tests/test_cli_resume.cpp, hidden [mpi] cases):
# one ctest test, run alone like the comparisons above.
if(TARGET test_cli_resume)
  target_compile_definitions(test_cli_resume PRIVATE SAMSIM_MPIRUN="${SAMSIM_MPIRUN}")
  add_test(NAME mpi_kill_and_resume COMMAND test_cli_resume "[mpi]")
  set_tests_properties(mpi_kill_and_resume PROPERTIES ENVIRONMENT "${samsim_mpi_test_env}" TIMEOUT 900 RUN_SERIAL TRUE)
endif()
