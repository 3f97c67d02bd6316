#pragma once
// docs/openapi.json, the API's contract, as built into the binary (cmake/embed_openapi.cmake
// generates the definitions from the file at build time).
#include <string_view>

namespace clue_router::http {

// The document's bytes, exactly as in docs/openapi.json.
std::string_view openapi_document();
// A strong ETag of those bytes (quoted): the first 128 bits of their SHA-256.
std::string_view openapi_document_etag();

}  // namespace clue_router::http
