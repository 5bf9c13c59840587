sasmlm_add_test_binary(sweep
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_local_runner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_run_status.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_sbatch_script.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_sweep_cli.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_sweep_file.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_sweep_plan.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_sweep_points.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_sweep_report.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_release_sweep.cpp
)

# A real single-node Slurm (scripts/slurm_local.sh): a 4-point sweep with one preempted task. Skips (77) without
# root or when Slurm cannot be installed; RUN_SERIAL: it trains four tiny models on the machine's cores.
add_test(NAME sweep.slurm_local COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_slurm_sweep.sh $<TARGET_FILE:sasmlm>)
set_tests_properties(sweep.slurm_local PROPERTIES SKIP_RETURN_CODE 77 LABELS sweep RUN_SERIAL TRUE TIMEOUT 600)
