# Runs `samsim run` under mpirun and on one process, and compares the two JSON
# results with the timing fields removed (json_compare). Invoked by ctest:
#
#   cmake -DSAMSIM=... -DMPIRUN=... -DJSON_COMPARE=... -DSCENARIO=... -DWORK_DIR=...
#         -DNP=2 "-DRUN_ARGS=--trials 3000 --threads 1" [-DEXPECT_STOPPED_EARLY=ON]
#         -P mpi_compare.cmake
#
# RUN_ARGS are the `samsim run` arguments as one space-separated string.
# Needs only CMake: no python, no jq.

foreach(var SAMSIM MPIRUN JSON_COMPARE SCENARIO WORK_DIR NP RUN_ARGS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "mpi_compare.cmake: ${var} is not set")
  endif()
endforeach()

separate_arguments(RUN_ARGS UNIX_COMMAND "${RUN_ARGS}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(mpi_json "${WORK_DIR}/mpi.json")
set(single_json "${WORK_DIR}/single.json")

# Open MPI 4 on one machine without a network: shared memory (vader) and self only.
execute_process(
  COMMAND "${MPIRUN}" --oversubscribe --allow-run-as-root --mca btl self,vader -np ${NP}
          "${SAMSIM}" run "${SCENARIO}" ${RUN_ARGS} --quiet --json "${mpi_json}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mpirun -np ${NP} samsim run failed (${rc}):\n${out}\n${err}")
endif()
# Under MPI only rank 0 reports: one summary table. Two or more mean the ranks ran
# independently (a samsim without MPI support), and the comparison would prove nothing.
string(REGEX MATCHALL "samsim run: " tables "${out}")
list(LENGTH tables table_count)
if(NOT table_count EQUAL 1)
  message(FATAL_ERROR "expected one summary table from rank 0, got ${table_count}:\n${out}\n${err}")
endif()

execute_process(
  COMMAND "${SAMSIM}" run "${SCENARIO}" ${RUN_ARGS} --quiet --json "${single_json}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "samsim run (one process) failed (${rc}):\n${out}\n${err}")
endif()

set(compare_args "${mpi_json}" "${single_json}")
if(EXPECT_STOPPED_EARLY)
  list(APPEND compare_args --expect-stopped-early)
endif()
execute_process(COMMAND "${JSON_COMPARE}" ${compare_args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "json_compare (exit ${rc}): MPI (${NP} ranks) and single-process results differ"
                      " or cannot be compared:\n${out}\n${err}")
endif()
message(STATUS "${out}")
file(REMOVE_RECURSE "${WORK_DIR}")
