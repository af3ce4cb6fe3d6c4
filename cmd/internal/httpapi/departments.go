package httpapi

import (
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
)

type registerDepartmentRequest struct {
	ID       string `json:"id" rule:"required,max=64" desc:"The department's id: 2 to 64 lowercase letters, digits and '-', starting with a letter" example:"city-construction"`
	Name     string `json:"name" rule:"required,max=200" desc:"Its official name" example:"市住房和城乡建设局"`
	Category string `json:"category" rule:"required,enum=departmentCategories" desc:"How the assessment groups it: enforcement (行政执法类) or management (综合管理类)" example:"management"`
	District string `json:"district" rule:"max=200" desc:"Its district" example:"柯城区"`
	ParentID string `json:"parentId" rule:"max=64" desc:"The department it belongs to (内设机构), active"`
}

// registerDepartment: POST /api/v1/departments.
func (s *Server) registerDepartment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req registerDepartmentRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	d, err := s.Registry.RegisterDepartment(r.Context(), p, meta, req.ID, department.Details{
		Name: req.Name, Category: department.Category(req.Category), District: req.District, ParentID: req.ParentID,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/departments/"+d.ID)
	writeJSON(w, http.StatusCreated, d)
	return nil
}

type changeDepartmentRequest struct {
	Name     *string `json:"name"`
	Category *string `json:"category" rule:"enum=departmentCategories" desc:"How the assessment groups it"`
	District *string `json:"district"`
	ParentID *string `json:"parentId"`
}

// changeDepartment: PATCH /api/v1/departments/{id}.
func (s *Server) changeDepartment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req changeDepartmentRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	d, err := s.Registry.ChangeDepartment(r.Context(), p, meta, r.PathValue("id"), registry.Change(req))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

type deactivateDepartmentRequest struct {
	Reason string `json:"reason" rule:"required,max=500" desc:"Why it is taken out of use" example:"机构改革"`
}

// deactivateDepartment: POST /api/v1/departments/{id}/deactivation.
func (s *Server) deactivateDepartment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req deactivateDepartmentRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	d, err := s.Registry.DeactivateDepartment(r.Context(), p, meta, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

type activateDepartmentRequest struct{}

// activateDepartment: POST /api/v1/departments/{id}/activation.
func (s *Server) activateDepartment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req activateDepartmentRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	d, err := s.Registry.ReactivateDepartment(r.Context(), p, meta, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// listDepartments: GET /api/v1/departments[?inactive=true].
func (s *Server) listDepartments(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q := r.URL.Query()
	inactive := false
	for name, vals := range q {
		if name != "inactive" || len(vals) != 1 || (vals[0] != "true" && vals[0] != "false") {
			return badRequest("%s: unknown query parameter (only inactive=true|false)", name)
		}
		inactive = vals[0] == "true"
	}
	list, err := s.Registry.Departments(r.Context(), p, inactive)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, departmentList{Items: list})
	return nil
}

// getDepartment: GET /api/v1/departments/{id}.
func (s *Server) getDepartment(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	d, err := s.Registry.Department(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
