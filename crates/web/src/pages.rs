//! Pages that belong to no one area: the front page and "not found".

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
}

async fn home(current: CurrentUser) -> HomePage {
    HomePage {
        chrome: Chrome::for_user(&current),
    }
}

pub async fn not_found() -> HtmlError {
    HtmlError(AppError::NotFound)
}
