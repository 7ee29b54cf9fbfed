# Use ccache when it is installed. The cache is keyed relative to the source tree so that
# a fresh clone in another folder (CI) reuses objects built by an earlier clone.
find_program(LB_CCACHE ccache)
if(LB_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env
        CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=true
        CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros
        ${LB_CCACHE})
endif()
