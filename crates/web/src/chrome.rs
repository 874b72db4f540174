//! What every page's frame shows: who is signed in, the navigation their roles open,
//! and the form token the sign-out button needs.

use casework_domain::access::{self, CaseKind};
use casework_domain::roles::Role;

use crate::auth::CurrentUser;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct Chrome {
    pub user_name: Option<String>,
    pub agency: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Chrome {
    pub fn for_user(current: &CurrentUser) -> Self {
        let actor = current.actor();
        let mut nav = Vec::new();
        if access::may_find_people(&actor) {
            nav.push(NavItem {
                href: "/people",
                label: "People",
            });
        }
        if access::works_kind(&actor, CaseKind::Asb) {
            nav.push(NavItem {
                href: "/asb/cases",
                label: "ASB cases",
            });
            nav.push(NavItem {
                href: "/asb/repeat-victims",
                label: "Repeat victims",
            });
        }
        if access::may_see_counts(&actor) {
            nav.push(NavItem {
                href: "/asb/hotspots",
                label: "ASB hotspots",
            });
        }
        if casework_domain::access_scope::may_list(&actor, CaseKind::DomesticAbuse) {
            nav.push(NavItem {
                href: "/dv/cases",
                label: "Domestic abuse",
            });
        } else if access::may_see_counts(&actor) {
            nav.push(NavItem {
                href: "/dv/measures",
                label: "DV measures",
            });
        }
        if casework_domain::access_scope::may_list(&actor, CaseKind::Iom) {
            nav.push(NavItem {
                href: "/iom",
                label: "IOM cohort",
            });
        }
        if access::may_see_counts(&actor) {
            nav.push(NavItem {
                href: "/iom/measures",
                label: "IOM re-offending",
            });
        }
        if casework_domain::prevent_deter::may_refer(&actor) {
            nav.push(NavItem {
                href: "/referrals",
                label: "Referrals",
            });
        }
        if casework_domain::prevent_deter::may_run_programme(&actor) {
            nav.push(NavItem {
                href: "/prevent-deter",
                label: "Prevent & Deter",
            });
        } else if access::may_see_counts(&actor) {
            nav.push(NavItem {
                href: "/prevent-deter/measures",
                label: "P&D measures",
            });
        }
        if access::may_see_counts(&actor) {
            nav.push(NavItem {
                href: "/open-data/map",
                label: "Crime map",
            });
        } else if casework_domain::open_data::may_import_open_data(&actor) {
            nav.push(NavItem {
                href: "/open-data/import",
                label: "Import police.uk",
            });
        }
        if casework_domain::lmaps::may_run_meetings(&actor) {
            nav.push(NavItem {
                href: "/lmaps",
                label: "LMAPS",
            });
        }
        if casework_domain::actions::may_read_actions_of(&actor, &actor.agency) {
            nav.push(NavItem {
                href: "/actions",
                label: "Actions",
            });
        }
        nav.push(NavItem {
            href: "/plan",
            label: "The plan",
        });
        if access::may_administer(&actor) {
            nav.push(NavItem {
                href: "/admin/users",
                label: "Users",
            });
            nav.push(NavItem {
                href: "/admin/settings",
                label: "Settings",
            });
        }
        if actor.has(Role::Dpo) {
            nav.push(NavItem {
                href: "/audit",
                label: "Audit log",
            });
        }
        nav.push(NavItem {
            href: "/account/password",
            label: "Change password",
        });
        Chrome {
            user_name: Some(current.user.display_name.clone()),
            agency: Some(current.user.agency.clone()),
            csrf: current.csrf.clone(),
            nav,
        }
    }

    pub fn anonymous(csrf: String) -> Self {
        Chrome {
            user_name: None,
            agency: None,
            csrf,
            nav: Vec::new(),
        }
    }
}
