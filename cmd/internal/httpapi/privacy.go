package httpapi

import (
	"math"
	"net"
	"net/http"
	"strconv"

	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// origin is where the request came from, for the audit trail.
func origin(r *http.Request) auditlog.Origin {
	return auditlog.Origin{Remote: clientAddr(r), UserAgent: r.UserAgent()}
}

// clientAddr is the address the request came from (the connection's peer:
// forwarding headers are not trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type disclosureRequest struct {
	Reason string `json:"reason" rule:"required,max=500" desc:"Why the personal data is needed; recorded in the audit trail" example:"回访前核对联系电话"`
}

type disclosureView struct {
	CaseID      string                `json:"caseId"`
	Complainant complaint.Complainant `json:"complainant"`
	Recorded    string                `json:"recorded"`
}

// discloseComplainant: POST /api/v1/cases/{id}/complainant/disclosure. The
// service records who asked, from where and why, and only then answers.
func (s *Server) discloseComplainant(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req disclosureRequest
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	id := r.PathValue("id")
	c, err := s.Cases.Disclose(r.Context(), p, origin(r), id, req.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, disclosureView{CaseID: id, Complainant: c, Recorded: "this disclosure is in the audit trail"})
	return nil
}

type shredRequest struct {
	Reason string `json:"reason" rule:"required,max=4000" desc:"Why the personal data is destroyed; recorded" example:"投诉人要求删除个人信息"`
}

// shredCase: POST /api/v1/cases/{id}/shredding.
func (s *Server) shredCase(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req shredRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	v, err := s.Cases.Shred(r.Context(), p, origin(r), meta, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// publicCase: GET /api/v1/public/cases/{code}, the complainant's view. An
// unknown code and one that cannot be a code get the same answer.
func (s *Server) publicCase(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.publicLimit.allow(clientAddr(r), s.Clock()); !ok {
		seconds := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
		writeJSON(w, http.StatusTooManyRequests, errorBody{Error: errorDetail{Code: "rate_limited",
			Message: s.Catalog.Message(s.lang(r), domain.Msg("at most %d lookups a minute from one address; try again in %d s", publicLookups, seconds))}})
		return
	}
	v, err := s.Cases.Public(r.Context(), r.PathValue("code"), s.Clock())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
}

type auditList struct {
	Items []projections.AuditEntry `json:"items"`
}

// listAudit: GET /api/v1/audit.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"action": code, "subject": plainText, "actor": plainText,
		"from": plainText, "to": plainText, "before": plainText, "limit": plainText})
	if err != nil {
		return err
	}
	f := projections.AuditFilter{Action: q["action"], Subject: q["subject"], Actor: q["actor"]}
	if q["from"] != "" {
		if f.From, err = queryTime("from", q["from"]); err != nil {
			return err
		}
	}
	if q["to"] != "" {
		if f.To, err = queryTime("to", q["to"]); err != nil {
			return err
		}
	}
	if q["before"] != "" {
		if f.Before, err = strconv.ParseUint(q["before"], 10, 63); err != nil {
			return badRequest("before: a sequence number")
		}
	}
	if q["limit"] != "" {
		if f.Limit, err = parseLimit(q["limit"]); err != nil {
			return err
		}
	}
	items, err := s.Trail.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, auditList{Items: items})
	return nil
}
