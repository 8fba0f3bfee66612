package admin

import (
	"net/http"

	"github.com/litellm-go/gateway/internal/httpapi"
)

func badRequest(format string, args ...any) error {
	return httpapi.Errorf(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...any) error {
	return httpapi.Errorf(http.StatusNotFound, format, args...)
}

func forbidden(format string, args ...any) error {
	return httpapi.Errorf(http.StatusForbidden, format, args...)
}
