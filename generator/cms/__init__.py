"""The content manager at `/admin/`: Sveltia CMS, pinned and served by the site, configured from the content model.

Public face: `admin_files` gives every file of `/admin/` (`admin_pages`, made for the site, and `bundle_files`,
copied as they are); `admin_headers` its rules for `_headers`.
"""

from .admin import admin_csp, admin_files, admin_headers, admin_pages, admin_policy, bundle_files, git_host, version

__all__ = ["admin_csp", "admin_files", "admin_headers", "admin_pages", "admin_policy", "bundle_files", "git_host",
           "version"]
