# Conveniences; the README's test command is ./scripts/test.sh, which CI runs.
.PHONY: test short generate

test:
	./scripts/test.sh

# short: the fast subset while developing.
short:
	go test -short ./...

# generate: regenerate assembly (internal/vec/_asm) and other generated files.
generate:
	go generate ./...
