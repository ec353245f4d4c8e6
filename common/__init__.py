"""The ground floor: helpers every app may use (errors, mail, page cache, bulk writes, exports,
HTTP). It imports Django and third-party libraries only, never one of our apps."""
