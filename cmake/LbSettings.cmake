# One INTERFACE target that carries every project-wide compile setting; each of our targets
# links it instead of repeating flags (as qBittorrent's CommonConfig does).
add_library(lb_settings INTERFACE)
add_library(LeadBridge::settings ALIAS lb_settings)

target_compile_features(lb_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(lb_settings INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wno-error=deprecated-declarations)

target_compile_definitions(lb_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING
    QT_DISABLE_DEPRECATED_BEFORE=0x060400)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    include(CheckLinkerFlag)
    check_linker_flag(CXX "-fuse-ld=lld" LB_HAVE_LLD)
    if(LB_HAVE_LLD)
        target_link_options(lb_settings INTERFACE -fuse-ld=lld)
    endif()
endif()

if(LB_SANITIZE)
    target_compile_options(lb_settings INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer)
    target_link_options(lb_settings INTERFACE -fsanitize=address,undefined)
endif()

# With Ninja, CMake 3.25's AUTOMOC does not notice a header added to a globbed source list in
# an incremental build (the autogen stamp stays fresh, the new class gets no moc output and the
# link fails on its vtable). When the list changes, drop the stamp so autogen runs again.
function(lb_refresh_autogen target sources)
    string(SHA1 hash "${sources}")
    if(NOT "${hash}" STREQUAL "${LB_AUTOGEN_HASH_${target}}")
        file(REMOVE "${CMAKE_CURRENT_BINARY_DIR}/${target}_autogen/timestamp")
        set(LB_AUTOGEN_HASH_${target} "${hash}" CACHE INTERNAL "")
    endif()
endfunction()
