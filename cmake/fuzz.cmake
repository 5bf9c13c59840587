# libFuzzer targets for the parsers of untrusted input (tests/fuzz/fuzz_<name>.cpp), built by the `fuzz` preset
# (clang, SASMLM_FUZZ=ON) and run by scripts/fuzz.sh. Each target compiles only the sources it exercises,
# instrumented with -fsanitize=fuzzer-no-link plus ASan/UBSan, so a build needs a handful of translation units.
option(SASMLM_FUZZ "Build the libFuzzer targets (clang only; see scripts/fuzz.sh)" OFF)
if(NOT SASMLM_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SASMLM_FUZZ needs clang (libFuzzer): configure with the `fuzz` preset")
endif()

set(SASMLM_FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)
set(SASMLM_FUZZ_COMPILE_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined -gline-tables-only)
set(SASMLM_FUZZ_LINK_FLAGS -fsanitize=fuzzer,address,undefined)

# Sources shared by every target: the core module, read from its library target so that a new core file (which
# another module may call) cannot be missed here, less cpu_threads.cpp and device.cpp, the core files that need torch.
# Logging stays uninstrumented in sasmlm_log.
get_target_property(SASMLM_FUZZ_CORE_SOURCES sasmlm_lib_core SOURCES)
list(FILTER SASMLM_FUZZ_CORE_SOURCES EXCLUDE REGEX "/(cpu_threads|device)\\.cpp$")
# The whole config module, read from its library target so that a new source file cannot be missed here.
get_target_property(SASMLM_FUZZ_CONFIG_SOURCES sasmlm_lib_config SOURCES)

# sasmlm_add_fuzzer(NAME SOURCES file... [LIBS lib...]): the executable fuzz_<NAME> from tests/fuzz/fuzz_<NAME>.cpp.
function(sasmlm_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target fuzz_${name})
  add_executable(${target} ${SASMLM_FUZZ_DIR}/fuzz_${name}.cpp ${SASMLM_FUZZ_DIR}/fuzz_util.cpp
                 ${SASMLM_FUZZ_CORE_SOURCES} ${ARG_SOURCES})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/include ${SASMLM_FUZZ_DIR})
  target_compile_definitions(${target} PRIVATE SASMLM_VERSION="${PROJECT_VERSION}")
  target_compile_options(${target} PRIVATE ${SASMLM_WARNINGS} ${SASMLM_FUZZ_COMPILE_FLAGS})
  target_link_options(${target} PRIVATE ${SASMLM_FUZZ_LINK_FLAGS})
  target_link_libraries(${target} PRIVATE sasmlm_log ${ARG_LIBS})
  list(APPEND SASMLM_FUZZ_TARGETS ${target})
  set(SASMLM_FUZZ_TARGETS ${SASMLM_FUZZ_TARGETS} PARENT_SCOPE)
endfunction()

sasmlm_add_fuzzer(conllu SOURCES ${PROJECT_SOURCE_DIR}/src/data/conllu.cpp
                  ${PROJECT_SOURCE_DIR}/src/data/input_file.cpp LIBS ZLIB::ZLIB)
sasmlm_add_fuzzer(shard SOURCES ${PROJECT_SOURCE_DIR}/src/data/shard.cpp)
sasmlm_add_fuzzer(manifest SOURCES ${PROJECT_SOURCE_DIR}/src/data/manifest.cpp)
sasmlm_add_fuzzer(config SOURCES ${SASMLM_FUZZ_CONFIG_SOURCES} LIBS yaml-cpp)
sasmlm_add_fuzzer(blimp SOURCES ${PROJECT_SOURCE_DIR}/src/eval/blimp_reader.cpp)
# The checkpoint reader parses the container itself; its payload goes to torch's archive reader.
sasmlm_add_fuzzer(checkpoint SOURCES ${PROJECT_SOURCE_DIR}/src/train/checkpoint.cpp LIBS ${TORCH_LIBRARIES})
# libtorch.so exports std::filesystem copies that crash when bound first (see sasmlm_target_settings).
target_link_options(fuzz_checkpoint PRIVATE "LINKER:--push-state,--no-as-needed" "-lstdc++" "LINKER:--pop-state")

add_custom_target(fuzz_all DEPENDS ${SASMLM_FUZZ_TARGETS})
