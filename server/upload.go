package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
)

// Multipart limits. The file part may be as large as the upload limit;
// everything else in the body is small and bounded here, so a hostile body
// cannot make the server hold more than these in memory.
const (
	maxFieldBytes    = 64 << 10 // one non-file field (a prompt)
	maxFieldsBytes   = 256 << 10
	maxParts         = 64
	memoryFileBytes  = 4 << 20 // larger uploads are spooled to a temporary file
	maxBoundaryBytes = 70      // RFC 2046 §5.1.1
)

// uploadForm is a parsed multipart/form-data body: the text fields and the
// one "file" part, held in memory or in an unlinked temporary file.
type uploadForm struct {
	fields   map[string][]string
	file     io.ReadSeeker // nil when the body has no file part
	fileName string
	fileSize int64
	temp     *os.File
}

// value returns the first value of a field, "" when it is absent.
func (f *uploadForm) value(name string) string {
	if v := f.fields[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// close releases the temporary file, if any.
func (f *uploadForm) close() {
	if f != nil && f.temp != nil {
		f.temp.Close()
		os.Remove(f.temp.Name()) // already gone where unlinking an open file works
	}
}

// multipartBoundary checks the request's Content-Type.
func multipartBoundary(contentType string) (string, *apiError) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" {
		return "", newError(http.StatusUnsupportedMediaType, typeInvalidRequest, "invalid_content_type", "",
			"the body must be multipart/form-data with the audio in a part named \"file\" (got Content-Type %q)", contentType)
	}
	b := params["boundary"]
	if b == "" || len(b) > maxBoundaryBytes {
		return "", badRequest("", "invalid_multipart", "multipart/form-data needs a boundary parameter of 1 to 70 characters")
	}
	return b, nil
}

// readUploadForm reads a multipart/form-data body. Errors are 4xx API
// errors: a truncated or malformed body is 400, an oversized one 413.
// maxFile bounds the file part; tempDir is where a large one is spooled.
func readUploadForm(body io.Reader, boundary string, maxFile int64, tempDir string) (form *uploadForm, apiErr *apiError) {
	form = &uploadForm{fields: map[string][]string{}}
	defer func() {
		if apiErr != nil {
			form.close()
			form = nil
		}
	}()
	mr := multipart.NewReader(body, boundary)
	fieldBytes := 0
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return form, bodyError(err)
		}
		if parts >= maxParts {
			return form, badRequest("", "invalid_multipart", "more than %d parts in the multipart body", maxParts)
		}
		name := part.FormName()
		if name == "" {
			part.Close()
			continue // not form-data: ignored, as mime/multipart.ReadForm does
		}
		if name == "file" {
			if form.file != nil {
				return form, badRequest("file", "invalid_multipart", "more than one file part")
			}
			form.fileName = part.FileName()
			if apiErr := form.spool(part, maxFile, tempDir); apiErr != nil {
				return form, apiErr
			}
			continue
		}
		value, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return form, bodyError(err)
		}
		if len(value) > maxFieldBytes {
			return form, newError(http.StatusRequestEntityTooLarge, typeInvalidRequest, "field_too_large", name,
				"field %q is longer than %d bytes", name, maxFieldBytes)
		}
		if fieldBytes += len(value); fieldBytes > maxFieldsBytes {
			return form, newError(http.StatusRequestEntityTooLarge, typeInvalidRequest, "fields_too_large", "",
				"the form's fields are longer than %d bytes in all", maxFieldsBytes)
		}
		form.fields[name] = append(form.fields[name], string(value))
	}
	return form, nil
}

// spool copies the file part into memory, or past memoryFileBytes into a
// temporary file.
func (f *uploadForm) spool(part io.Reader, maxFile int64, tempDir string) *apiError {
	var mem bytes.Buffer
	n, err := io.Copy(&mem, io.LimitReader(part, memoryFileBytes+1))
	if err != nil {
		return bodyError(err)
	}
	if n <= memoryFileBytes {
		f.file, f.fileSize = bytes.NewReader(mem.Bytes()), n
		return nil
	}
	temp, err := os.CreateTemp(tempDir, "mynahd-upload-*")
	if err != nil {
		return newError(http.StatusInternalServerError, typeServer, "spool_failed", "", "cannot store the upload: %v", err)
	}
	os.Remove(temp.Name()) // unlinked at once on Unix: nothing is left behind, whatever happens next
	f.temp = temp
	n, err = io.Copy(temp, io.MultiReader(&mem, io.LimitReader(part, maxFile+1-n)))
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			return newError(http.StatusInsufficientStorage, typeServer, "spool_failed", "", "cannot store the upload: %v", err)
		}
		return bodyError(err)
	}
	if n > maxFile {
		return tooLarge(maxFile)
	}
	if _, err := temp.Seek(0, io.SeekStart); err != nil {
		return newError(http.StatusInternalServerError, typeServer, "spool_failed", "", "cannot read back the upload: %v", err)
	}
	f.file, f.fileSize = temp, n
	return nil
}

func tooLarge(limit int64) *apiError {
	return newError(http.StatusRequestEntityTooLarge, typeInvalidRequest, "file_too_large", "file",
		"the upload is larger than the server's limit of %s", byteSize(limit))
}

// bodyError classifies an error met while reading the request body.
func bodyError(err error) *apiError {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return tooLarge(maxErr.Limit)
	}
	msg := err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "the body ended before its closing boundary"
	}
	msg = strings.TrimPrefix(msg, "multipart: ")
	return badRequest("", "invalid_multipart", "malformed multipart body: %s", msg)
}

// byteSize formats a byte count for messages: "200 MB".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
