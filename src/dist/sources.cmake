sasmlm_add_module(dist
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/process_group.cpp
    ${CMAKE_CURRENT_LIST_DIR}/grad_reducer.cpp
  DEPS core config
)
# c10d's Gloo and NCCL backends are compiled into libtorch_cpu / libtorch_cuda (whose targets define USE_C10D_GLOO /
# USE_C10D_NCCL), but the wheel ships no Gloo headers: ProcessGroupGloo.hpp takes its declarations from Debian's
# libgloo-dev (torch's own Gloo is what links and runs). SASMLM_WITH_* say what this build can include.
find_path(SASMLM_GLOO_INCLUDE_DIR gloo/algorithm.h)
if(SASMLM_GLOO_INCLUDE_DIR)
  target_include_directories(sasmlm_lib_dist PRIVATE ${SASMLM_GLOO_INCLUDE_DIR})
  target_compile_definitions(sasmlm_lib_dist PRIVATE SASMLM_WITH_GLOO)
else()
  message(WARNING "gloo/algorithm.h not found (Debian: libgloo-dev): building without the Gloo backend")
endif()
find_path(SASMLM_NCCL_INCLUDE_DIR nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS} ${TORCH_INSTALL_PREFIX}/../nvidia/nccl/include)
if(TARGET torch_cuda AND CUDAToolkit_FOUND AND SASMLM_NCCL_INCLUDE_DIR)
  target_include_directories(sasmlm_lib_dist PRIVATE ${SASMLM_NCCL_INCLUDE_DIR})
  target_compile_definitions(sasmlm_lib_dist PRIVATE SASMLM_WITH_NCCL)
else()
  message(STATUS "sasmlm: building without the NCCL backend (no CUDA toolkit or nccl.h)")
endif()
