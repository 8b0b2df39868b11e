# Models of this app arrive with their issue; see ../shared/spec/architecture.md.
