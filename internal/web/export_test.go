package web

// ReadCatalogue lets the page tests (package web_test) read a message
// catalogue as the translators wrote it.
var ReadCatalogue = readCatalogue
