# Turns docs/openapi.json into a C++ source (build step of clue_router_http), so the server
# serves GET /v1/openapi.json from its own binary: nothing is read from disk at run time and
# the package carries no extra file.
#   cmake -DINPUT=docs/openapi.json -DOUTPUT=openapi_document.cpp -P embed_openapi.cmake
# The document must be JSON: the build fails here, not a client later. Bytes, not a string
# literal: -Wpedantic refuses literals over 64 KiB.
file(READ "${INPUT}" text)
string(JSON version ERROR_VARIABLE json_error GET "${text}" openapi)
if(json_error)
  message(FATAL_ERROR "${INPUT} is not an OpenAPI document in JSON: ${json_error}")
endif()
file(SHA256 "${INPUT}" digest)
string(SUBSTRING "${digest}" 0 32 etag)
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from docs/openapi.json by cmake/embed_openapi.cmake: do not edit.
#include \"clue_router/http/openapi_document.hpp\"

namespace clue_router::http {

namespace {
constexpr char kDocument[] = {
    ${bytes}};
}  // namespace

std::string_view openapi_document() {
    return {kDocument, sizeof kDocument};
}

std::string_view openapi_document_etag() {
    return \"\\\"${etag}\\\"\";
}

}  // namespace clue_router::http
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
