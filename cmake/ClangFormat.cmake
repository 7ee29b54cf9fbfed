# `format` rewrites every C++ file in place; `format-check` fails when one is not formatted.
find_program(LB_CLANG_FORMAT NAMES clang-format clang-format-14)
if(LB_CLANG_FORMAT)
    file(GLOB_RECURSE LB_FORMAT_SOURCES CONFIGURE_DEPENDS
        ${CMAKE_SOURCE_DIR}/core/*.cpp ${CMAKE_SOURCE_DIR}/core/*.h
        ${CMAKE_SOURCE_DIR}/ui/*.cpp ${CMAKE_SOURCE_DIR}/ui/*.h
        ${CMAKE_SOURCE_DIR}/app/*.cpp ${CMAKE_SOURCE_DIR}/app/*.h
        ${CMAKE_SOURCE_DIR}/sandbox/*.cpp ${CMAKE_SOURCE_DIR}/sandbox/*.h
        ${CMAKE_SOURCE_DIR}/bench/*.cpp ${CMAKE_SOURCE_DIR}/bench/*.h
        ${CMAKE_SOURCE_DIR}/tests/*.cpp ${CMAKE_SOURCE_DIR}/tests/*.h)
    add_custom_target(format
        COMMAND ${LB_CLANG_FORMAT} -i ${LB_FORMAT_SOURCES}
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
        COMMENT "clang-format: rewriting sources"
        VERBATIM)
    add_custom_target(format-check
        COMMAND ${LB_CLANG_FORMAT} --dry-run -Werror ${LB_FORMAT_SOURCES}
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
        COMMENT "clang-format: checking sources"
        VERBATIM)
endif()
