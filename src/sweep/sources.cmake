# No torch headers here (docs/ARCHITECTURE.md): the module compiles in seconds without the precompiled header.
sasmlm_add_module(sweep NO_PCH
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/local_runner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/run_metrics.cpp
    ${CMAKE_CURRENT_LIST_DIR}/run_status.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sbatch_script.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_config.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_file.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_planner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_points.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_report.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_submit.cpp
  DEPS core config
)
# Where `sasmlm sweep report` finds scripts/sweep_report_plot.py in a build tree ($SASMLM_SCRIPTS overrides).
target_compile_definitions(sasmlm_lib_sweep PRIVATE SASMLM_SCRIPTS_DIR="${PROJECT_SOURCE_DIR}/scripts")
