#include <libxml/xmlversion.h>
/* libxml2's encoding.h includes the system ICU headers when libxml2 was built with ICU. Their `UErrorCode`
 * differs from the copy inside Foundation's `_FoundationICU`, and Clang rejects the two definitions when both
 * modules are loaded ("... is not present in definition of 'enum UErrorCode'"). Swift code never touches the
 * ICU-specific members of `xmlCharEncodingHandler`, so the module is imported without them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
