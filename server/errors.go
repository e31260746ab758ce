package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Error types, as the OpenAI API names them in {"error": {"type": ...}}.
const (
	typeInvalidRequest = "invalid_request_error"
	typeAuthentication = "authentication_error"
	typeRateLimit      = "rate_limit_error"
	typeServer         = "server_error"
)

// apiError is an error the client sees, in the OpenAI error shape:
//
//	{"error": {"message": "...", "type": "invalid_request_error", "param": "file", "code": "invalid_audio"}}
type apiError struct {
	status  int
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
	// retryAfter, in whole seconds, goes into a Retry-After header (429, 503).
	retryAfter int
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.Message) }

// errorBody is the JSON document of an error response.
type errorBody struct {
	Error *apiError `json:"error"`
}

func newError(status int, typ, code, param, format string, args ...any) *apiError {
	e := &apiError{status: status, Message: fmt.Sprintf(format, args...), Type: typ}
	if code != "" {
		e.Code = &code
	}
	if param != "" {
		e.Param = &param
	}
	return e
}

// badRequest is a 400 about one parameter.
func badRequest(param, code, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, typeInvalidRequest, code, param, format, args...)
}

// writeError sends e as the response.
func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if e.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	if e.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="mynahd"`)
	}
	w.WriteHeader(e.status)
	json.NewEncoder(w).Encode(errorBody{e})
}
