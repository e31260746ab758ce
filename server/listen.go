package server

import "net/http"

func (s *Server) handleListen(w http.ResponseWriter, r *http.Request) *apiError {
	return newError(http.StatusNotImplemented, typeServer, "todo", "", "todo")
}
