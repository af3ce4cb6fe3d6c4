package httpapi

import (
	"errors"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/feeds"
	"github.com/watchpost/watchpost/cmd/internal/reqlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), in JSON, with
// the spec's field names: the city's apps and portals list the services
// (the issue types), file requests (complaints on the channel "web", for
// the center's intake decision) with an Open311 key, and follow them by
// their service_request_id, the case's tracking code. Errors are the
// spec's list of {code, description}. Departures from the spec, by design:
// a missing or invalid api_key is 401 (the spec says 403), as everywhere
// in this API; GET requests.json needs service_request_id (only digests of
// the tracking codes are kept, so requests cannot be listed without them);
// there is no XML.

// open311Prefix starts every Open311 path.
const open311Prefix = "/open311/"

// open311Base is the GeoReport v2 endpoint.
const open311Base = "/open311/v2"

// The GeoReport v2 shapes, field for field.
type (
	open311Service struct {
		ServiceCode string `json:"service_code"`
		ServiceName string `json:"service_name"`
		Description string `json:"description"`
		Metadata    bool   `json:"metadata"`
		Type        string `json:"type"`
		Keywords    string `json:"keywords"`
		Group       string `json:"group"`
	}
	open311Submitted struct {
		ServiceRequestID string  `json:"service_request_id"`
		ServiceNotice    string  `json:"service_notice"`
		AccountID        *string `json:"account_id"`
	}
	open311Request struct {
		ServiceRequestID  string   `json:"service_request_id"`
		Status            string   `json:"status"` // open, closed
		StatusNotes       string   `json:"status_notes"`
		ServiceName       string   `json:"service_name"`
		ServiceCode       string   `json:"service_code"`
		Description       *string  `json:"description"` // not shown: the public page shows no case content
		AgencyResponsible *string  `json:"agency_responsible"`
		ServiceNotice     *string  `json:"service_notice"`
		RequestedDatetime string   `json:"requested_datetime"`
		UpdatedDatetime   string   `json:"updated_datetime"`
		ExpectedDatetime  *string  `json:"expected_datetime"`
		Address           *string  `json:"address"`
		AddressID         *string  `json:"address_id"`
		Zipcode           *string  `json:"zipcode"`
		Lat               *float64 `json:"lat"`
		Long              *float64 `json:"long"`
		MediaURL          *string  `json:"media_url"`
	}
	open311Error struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	open311Discovery struct {
		Changeset string                  `json:"changeset"`
		Contact   string                  `json:"contact"`
		KeyServ   string                  `json:"key_service"`
		Endpoints []open311DiscoveryPoint `json:"endpoints"`
	}
	open311DiscoveryPoint struct {
		Specification string   `json:"specification"`
		URL           string   `json:"url"`
		Changeset     string   `json:"changeset"`
		Type          string   `json:"type"`
		Formats       []string `json:"formats"`
	}
)

// operationsRoutes are the open interfaces' routes: Open311 and the
// departments' deadline feeds (ical.go).
func (s *Server) operationsRoutes() []route {
	routes := []route{
		{method: "GET", pattern: "/open311/discovery.json", public: s.open311Discovery,
			doc: doc{summary: "Open311 service discovery: the GeoReport v2 endpoint", response: open311Discovery{}}},
		{method: "GET", pattern: open311Base + "/services.json", public: s.open311Services,
			doc: doc{summary: "Open311 GeoReport v2 GET Service List: the issue types (service_code, service_name, description, metadata, type, keywords, group)",
				response: []open311Service{}, query: []param{{name: "jurisdiction_id", kind: "string", description: "ignored: one jurisdiction"}}}},
		{method: "POST", pattern: open311Base + "/requests.json", action: access.SubmitOpen311, handle: s.open311Submit,
			doc: doc{summary: "Open311 GeoReport v2 POST Service Request, form-encoded (application/x-www-form-urlencoded) with an Open311 key " +
				"(api_key, or a bearer token): a complaint on the channel web for the center's intake decision; service_request_id is its tracking code",
				response: []open311Submitted{}}},
		{method: "GET", pattern: open311Base + "/requests.json", public: s.open311List,
			doc: doc{summary: "Open311 GeoReport v2 GET Service Requests: the requests of the given service_request_ids (required; it overrides the other arguments)",
				response: []open311Request{}, query: []param{
					{name: "service_request_id", kind: "string", description: "comma-separated, at most 50"},
					{name: "jurisdiction_id", kind: "string", description: "ignored"},
					{name: "service_code", kind: "string", description: "ignored: service_request_id overrides it"},
					{name: "start_date", kind: "string", description: "ignored: service_request_id overrides it"},
					{name: "end_date", kind: "string", description: "ignored: service_request_id overrides it"},
					{name: "status", kind: "string", description: "ignored: service_request_id overrides it"}}}},
		{method: "GET", pattern: open311Base + "/requests/{request}", public: s.open311Get,
			doc: doc{summary: "Open311 GeoReport v2 GET Service Request: {request} is the service_request_id followed by .json", response: []open311Request{}}},
	}
	return append(routes, s.icalRoutes()...)
}

// open311Key is the api_key an Open311 client sends in the form or the
// query, for requests under /open311/ that carry no Authorization header.
// The form is read here (bounded), and left parsed for the handler.
func open311Key(r *http.Request) string {
	if !strings.HasPrefix(r.URL.Path, open311Prefix) {
		return ""
	}
	if r.Method == http.MethodPost && r.PostForm == nil {
		r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
		_ = r.ParseForm()
	}
	if k := r.PostFormValue("api_key"); k != "" {
		return k
	}
	return r.URL.Query().Get("api_key")
}

// writeOpen311Error answers an error on an Open311 path in the spec's shape
// and reports whether it did. A value the rules refuse is the spec's 400.
func (s *Server) writeOpen311Error(w http.ResponseWriter, r *http.Request, status int, message string) bool {
	if !strings.HasPrefix(r.URL.Path, open311Prefix) {
		return false
	}
	if status == http.StatusUnprocessableEntity {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, []open311Error{{Code: status, Description: message}})
	return true
}

// open311Fail answers a service's error: an unknown service_code is the
// spec's 404; the rest as writeError classifies them.
func (s *Server) open311Fail(w http.ResponseWriter, r *http.Request, err error) {
	var unknown *feeds.UnknownServiceError
	if errors.As(err, &unknown) {
		s.writeOpen311Error(w, r, http.StatusNotFound, s.Catalog.Message(s.lang(r),
			domain.Msg("service_code %q was not found: GET %s/services.json lists the services", unknown.Code, open311Base)))
		return
	}
	s.writeError(w, r, err)
}

// open311Discovery: GET /open311/discovery.json.
func (s *Server) open311Discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, open311Discovery{Changeset: "2026-12-01", Contact: "the complaint center's administrators", KeyServ: "POST /api/v1/tokens with role open311",
		Endpoints: []open311DiscoveryPoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: baseURL(r) + open311Base,
			Changeset: "2026-12-01", Type: "production", Formats: []string{"application/json"}}}})
}

// baseURL is the address the client used to reach the server.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// open311Services: GET /open311/v2/services.json.
func (s *Server) open311Services(w http.ResponseWriter, r *http.Request) {
	list, err := s.Feeds.Services(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]open311Service, len(list))
	for i, sv := range list {
		out[i] = open311Service{ServiceCode: sv.Code, ServiceName: sv.Name, Description: sv.Description, Metadata: false,
			Type: "realtime", Keywords: strings.Join(sv.Keywords, ", "), Group: sv.Group}
	}
	writeJSON(w, http.StatusOK, out)
}

// open311Submit: POST /open311/v2/requests.json.
func (s *Server) open311Submit(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", field: "Content-Type",
			message: domain.Msg("an Open311 request is form-encoded: Content-Type: application/x-www-form-urlencoded")}
	}
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			return badRequest("the form cannot be read: %v", err)
		}
	}
	f := r.PostForm
	meta, err := commandMeta(r, p, []byte(f.Encode()))
	if err != nil {
		return err
	}
	req := feeds.Request311{JurisdictionID: f.Get("jurisdiction_id"), ServiceCode: f.Get("service_code"), Lat: f.Get("lat"), Long: f.Get("long"),
		AddressString: f.Get("address_string"), AddressID: f.Get("address_id"), Email: f.Get("email"), DeviceID: f.Get("device_id"),
		AccountID: f.Get("account_id"), FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Phone: f.Get("phone"),
		Description: f.Get("description"), MediaURL: f.Get("media_url")}
	sub, err := s.Feeds.Submit(r.Context(), p, meta, req)
	if err != nil {
		s.open311Fail(w, r, err)
		return nil
	}
	reqlog.SetCase(r.Context(), sub.CaseID)
	notice := domain.Msg("received: the complaint center decides whether to accept it; follow it with its service_request_id")
	status := http.StatusOK
	if sub.Stored {
		status = http.StatusAccepted
		notice = domain.Msg("received and stored; it shows in a moment: follow it with its service_request_id")
	}
	writeJSON(w, status, []open311Submitted{{ServiceRequestID: sub.ServiceRequestID, ServiceNotice: s.Catalog.Message(s.lang(r), notice)}})
	return nil
}

// maxOpen311IDs bounds the service_request_ids of one GET requests.
const maxOpen311IDs = 50

// open311Allowed spends n of the client's lookups (shared with the public
// tracking page) and answers 429 when they are spent. A request with an
// Open311 key (an app's or portal's server following its users' requests)
// is not limited.
func (s *Server) open311Allowed(w http.ResponseWriter, r *http.Request, n int) bool {
	if s.open311Keyed(r) {
		return true
	}
	for range n {
		if ok, wait := s.publicLimit.allow(clientAddr(r), s.Clock()); !ok {
			seconds := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(seconds))
			s.writeOpen311Error(w, r, http.StatusTooManyRequests, s.Catalog.Message(s.lang(r),
				domain.Msg("at most %d lookups a minute from one address; try again in %d s", publicLookups, seconds)))
			return false
		}
	}
	return true
}

// open311Keyed reports whether a request carries a valid Open311 key, as
// api_key or a bearer token.
func (s *Server) open311Keyed(r *http.Request) bool {
	k := r.URL.Query().Get("api_key")
	if h := r.Header.Get("Authorization"); k == "" && len(h) > len("Bearer ") && equalFold(h[:len("Bearer ")], "Bearer ") {
		k = h[len("Bearer "):]
	}
	if k == "" {
		return false
	}
	p, err := s.Tokens.Authenticate(r.Context(), k)
	return err == nil && p.Role == access.RoleOpen311
}

// open311List: GET /open311/v2/requests.json.
func (s *Server) open311List(w http.ResponseWriter, r *http.Request) {
	var codes []string
	for _, c := range strings.Split(r.URL.Query().Get("service_request_id"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	switch {
	case len(codes) == 0:
		s.writeOpen311Error(w, r, http.StatusBadRequest, s.Catalog.Message(s.lang(r), domain.Msg(
			"service_request_id is required: requests are found by their service_request_id (the tracking code), and cannot be listed without it")))
		return
	case len(codes) > maxOpen311IDs:
		s.writeOpen311Error(w, r, http.StatusBadRequest, s.Catalog.Message(s.lang(r), domain.Msg("at most %d service_request_ids at once", maxOpen311IDs)))
		return
	}
	if !s.open311Allowed(w, r, len(codes)) {
		return
	}
	list, err := s.Feeds.Requests(r.Context(), codes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]open311Request, len(list))
	for i, t := range list {
		out[i] = s.open311View(r, t)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// open311Get: GET /open311/v2/requests/{service_request_id}.json.
func (s *Server) open311Get(w http.ResponseWriter, r *http.Request) {
	code, ok := strings.CutSuffix(r.PathValue("request"), ".json")
	if !ok {
		s.writeOpen311Error(w, r, http.StatusNotFound, s.Catalog.Message(s.lang(r), domain.Msg("only JSON is served: ask for %s/requests/{service_request_id}.json", open311Base)))
		return
	}
	if !s.open311Allowed(w, r, 1) {
		return
	}
	t, err := s.Feeds.Request(r.Context(), code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, []open311Request{s.open311View(r, t)})
}

// open311View writes a tracked request in the GeoReport shape: times in
// the w3 format with the service's offset; status_notes the latest answer
// to the complainant, or where the case stands.
func (s *Server) open311View(r *http.Request, t feeds.Tracked) open311Request {
	zone := s.Catalog.Zone()
	v := open311Request{ServiceRequestID: t.ServiceRequestID, Status: "open", ServiceCode: t.ServiceCode, ServiceName: t.ServiceName,
		RequestedDatetime: t.RequestedAt.In(zone).Format(time.RFC3339), UpdatedDatetime: t.UpdatedAt.In(zone).Format(time.RFC3339),
		StatusNotes: s.Catalog.Label(s.lang(r), "status", string(t.Status))}
	if t.Closed {
		v.Status = "closed"
	}
	if t.LastReply != "" {
		v.StatusNotes = t.LastReply
	}
	if t.ExpectedAt != nil && !t.Closed {
		e := t.ExpectedAt.In(zone).Format(time.RFC3339)
		v.ExpectedDatetime = &e
	}
	return v
}

// documentOpen311 puts what the generic document cannot say into the
// served OpenAPI document: the form body of POST requests.json, and the
// spec's error shape on the Open311 paths.
func documentOpen311(d map[string]any) {
	paths, _ := d["paths"].(map[string]map[string]any)
	str := map[string]any{"type": "string"}
	form := map[string]any{"type": "object", "required": []string{"service_code"}, "properties": map[string]any{
		"api_key": str, "jurisdiction_id": str, "service_code": str, "lat": str, "long": str, "address_string": str,
		"address_id": str, "email": str, "device_id": str, "account_id": str, "first_name": str, "last_name": str,
		"phone": str, "description": map[string]any{"type": "string", "maxLength": feeds.MaxOpen311Description}, "media_url": str,
	}, "description": "GeoReport v2 fields; a location is required: lat and long, address_string or address_id"}
	errs := map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "array", "items": map[string]any{
		"type": "object", "properties": map[string]any{"code": map[string]any{"type": "integer"}, "description": str}}}}}
	for path, ops := range paths {
		if !strings.HasPrefix(path, open311Prefix) {
			continue
		}
		for method, op := range ops {
			o, ok := op.(map[string]any)
			if !ok {
				continue
			}
			if method == "post" {
				o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/x-www-form-urlencoded": map[string]any{"schema": form}}}
			}
			if responses, ok := o["responses"].(map[string]any); ok {
				for code, res := range responses {
					if rm, ok := res.(map[string]any); ok && code >= "400" {
						rm["content"] = errs
					}
				}
			}
		}
	}
}

// WithOpenInterfaces serves the open interfaces' paths (/open311/, and the
// deadline feeds under /feeds/) with api, and every other path with next:
// they are for other systems, not under /api/, and the pages must not
// answer them.
func WithOpenInterfaces(api, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; strings.HasPrefix(p, open311Prefix) || strings.HasPrefix(p, feedPath) {
			api.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
