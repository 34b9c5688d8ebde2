# The pure core (model, evaluation, propagation, alert decisions) must not do I/O.
# A pure target may link only the libraries listed here; the check runs at configure
# time over each pure target's direct and transitive link libraries, so adding
# spdlog, cpp-httplib or prometheus-cpp to one of them fails the configure step.
set(GREENLIGHT_PURE_ALLOWED_LINKS
    PkgConfig::TOMLPP Boost::headers Boost::boost nlohmann_json::nlohmann_json)
set_property(GLOBAL PROPERTY GREENLIGHT_PURE_TARGETS "")

function(greenlight_pure_target name)
  set_property(GLOBAL APPEND PROPERTY GREENLIGHT_PURE_TARGETS ${name})
endfunction()

function(_greenlight_collect_links target out)
  set(result "")
  get_target_property(libs ${target} LINK_LIBRARIES)
  if(libs)
    foreach(lib IN LISTS libs)
      list(APPEND result ${lib})
      if(TARGET ${lib})
        get_target_property(is_pure_lib ${lib} GREENLIGHT_PURE)
        if(is_pure_lib)
          _greenlight_collect_links(${lib} sub)
          list(APPEND result ${sub})
        endif()
      endif()
    endforeach()
  endif()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

function(greenlight_check_pure_targets)
  get_property(pure GLOBAL PROPERTY GREENLIGHT_PURE_TARGETS)
  foreach(t IN LISTS pure)
    set_target_properties(${t} PROPERTIES GREENLIGHT_PURE TRUE)
  endforeach()
  foreach(t IN LISTS pure)
    _greenlight_collect_links(${t} links)
    foreach(lib IN LISTS links)
      list(FIND pure ${lib} is_pure)
      list(FIND GREENLIGHT_PURE_ALLOWED_LINKS ${lib} is_allowed)
      if(is_pure EQUAL -1 AND is_allowed EQUAL -1)
        message(FATAL_ERROR "pure target ${t} links ${lib}: the core may not link I/O libraries "
                            "(allowed: ${GREENLIGHT_PURE_ALLOWED_LINKS} and other pure targets)")
      endif()
    endforeach()
  endforeach()
endfunction()
