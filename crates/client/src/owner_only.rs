//! Files and folders only their owner can open: `tandem-cli`'s key file (`keys/db.key`).
//!
//! - Unix: mode 0600 for the file, 0700 for its folder.
//! - Windows: there are no mode bits. The file and its folder get a *protected* DACL (nothing
//!   inherited from the folders above) with one entry: full control for the user running the
//!   program. Not even Administrators or SYSTEM are listed (an administrator can still take
//!   ownership, as root can read a 0600 file). The DACL is set while the file is empty, before
//!   the key is written.
//!
//! Why an ACL and not DPAPI or the Credential Manager: the key file is the CLI's deliberate
//! "no keychain" mode (a headless tool, like signal-cli; the desktop uses the Credential Manager).
//! An ACL is the Windows form of exactly what 0600 says on Unix, it can be read back and checked
//! (`icacls keys\db.key`), and it does not tie the data to the user's logon secrets: a password
//! reset by an administrator makes DPAPI-protected data unreadable for good.
//!
//! Checked under wine (scripts/platform/wine-scenario): wine 8.0 keeps no ACLs, only Unix mode
//! bits, so it reports the DACL set here as "the user and SYSTEM" and a file without it as also
//! readable by Everyone; [`is_restricted`] tells the two apart on wine as on Windows.

use std::path::Path;

/// Windows: makes `path` (a file, or a folder whose new files inherit it) reachable by the
/// current user only. (Unix needs no call: the modes are given when the file is created.)
#[cfg(windows)]
pub(crate) fn restrict(path: &Path) -> std::io::Result<()> {
    windows::restrict(path)
}

/// True if nobody but the current user can open `path` (see [`restrict`]).
pub(crate) fn is_restricted(path: &Path) -> std::io::Result<bool> {
    #[cfg(windows)]
    return windows::is_restricted(path);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 == 0)
    }
    #[cfg(not(any(windows, unix)))]
    {
        let _ = path;
        Ok(false)
    }
}

/// Every entry of the DACL (SDDL `D:flags(ace)(ace)…`) allows the user `sid` or the operating
/// system itself (LocalSystem, `SY`, which can open any file, as root can), and one allows
/// the user. Nothing for Administrators, Users or Everyone. What `restrict` sets passes; so
/// does what wine reports for it (wine keeps mode bits, not ACLs, and adds `SY`).
#[cfg(any(windows, test))]
fn dacl_is_owner_only(dacl: &str, sid: &str) -> bool {
    let Some(aces) = dacl.strip_prefix("D:").and_then(|d| d.find('(').map(|i| &d[i..])) else {
        return false;
    };
    let aces: Vec<Vec<&str>> =
        aces.split(')').filter(|a| !a.is_empty()).map(|a| a.trim_start_matches('(').split(';').collect()).collect();
    let allowed = |ace: &Vec<&str>| ace.len() == 6 && ace[0] == "A" && (ace[5] == sid || ace[5] == "SY");
    aces.iter().all(allowed) && aces.iter().any(|ace| ace[5] == sid)
}

#[cfg(windows)]
mod windows {
    use std::io::{Error, Result};
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
    use windows_sys::Win32::Security::Authorization::{
        ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
        ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
    };
    use windows_sys::Win32::Security::{
        DACL_SECURITY_INFORMATION, GetFileSecurityW, GetTokenInformation, PROTECTED_DACL_SECURITY_INFORMATION,
        PSECURITY_DESCRIPTOR, SetFileSecurityW, TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    fn wide(text: &std::ffi::OsStr) -> Vec<u16> {
        text.encode_wide().chain(std::iter::once(0)).collect()
    }

    /// Reads a NUL-terminated UTF-16 string that the system allocated, and frees it.
    unsafe fn take_wide(ptr: *mut u16) -> String {
        let mut len = 0;
        // SAFETY: the system returned a NUL-terminated string.
        while unsafe { *ptr.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: `len` u16s were just read; LocalFree is how these strings are released.
        let text = String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(ptr, len) });
        unsafe { LocalFree(ptr.cast()) };
        text
    }

    /// The current user's SID, as text (`S-1-5-21-…`).
    fn user_sid() -> Result<String> {
        // SAFETY: plain Win32 calls with buffers of the sizes they ask for; the token is closed.
        unsafe {
            let mut token: HANDLE = std::ptr::null_mut();
            if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                return Err(Error::last_os_error());
            }
            let mut needed = 0u32;
            GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut needed);
            // u64s keep the TOKEN_USER aligned.
            let mut buffer = vec![0u64; (needed as usize).div_ceil(8).max(1)];
            let ok = GetTokenInformation(token, TokenUser, buffer.as_mut_ptr().cast(), needed, &mut needed);
            let error = Error::last_os_error();
            CloseHandle(token);
            if ok == 0 {
                return Err(error);
            }
            let user = &*(buffer.as_ptr() as *const TOKEN_USER);
            let mut text = std::ptr::null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
                return Err(Error::last_os_error());
            }
            Ok(take_wide(text))
        }
    }

    /// The DACL `restrict` sets, in SDDL: protected (P), one allow entry (A), full access (FA),
    /// inherited by files and folders created inside a folder (OICI).
    fn owner_only_sddl(sid: &str, folder: bool) -> String {
        let inherit = if folder { "OICI" } else { "" };
        format!("D:P(A;{inherit};FA;;;{sid})")
    }

    pub fn restrict(path: &Path) -> Result<()> {
        let sddl = owner_only_sddl(&user_sid()?, path.is_dir());
        let path = wide(path.as_os_str());
        // SAFETY: the descriptor is made by the system from a NUL-terminated string and freed.
        unsafe {
            let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
            let sddl = wide(sddl.as_ref());
            if ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                std::ptr::null_mut(),
            ) == 0
            {
                return Err(Error::last_os_error());
            }
            let ok = SetFileSecurityW(
                path.as_ptr(),
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                descriptor,
            );
            let error = Error::last_os_error();
            LocalFree(descriptor);
            if ok == 0 { Err(error) } else { Ok(()) }
        }
    }

    /// The DACL of `path`, in SDDL.
    pub fn dacl(path: &Path) -> Result<String> {
        let path = wide(path.as_os_str());
        // SAFETY: the buffer has the size the first call asked for; the string is freed.
        unsafe {
            let mut needed = 0u32;
            GetFileSecurityW(path.as_ptr(), DACL_SECURITY_INFORMATION, std::ptr::null_mut(), 0, &mut needed);
            let mut buffer = vec![0u64; (needed as usize).div_ceil(8).max(1)];
            if GetFileSecurityW(
                path.as_ptr(),
                DACL_SECURITY_INFORMATION,
                buffer.as_mut_ptr().cast(),
                needed,
                &mut needed,
            ) == 0
            {
                return Err(Error::last_os_error());
            }
            let mut text = std::ptr::null_mut();
            if ConvertSecurityDescriptorToStringSecurityDescriptorW(
                buffer.as_mut_ptr().cast(),
                SDDL_REVISION_1,
                DACL_SECURITY_INFORMATION,
                &mut text,
                std::ptr::null_mut(),
            ) == 0
            {
                return Err(Error::last_os_error());
            }
            Ok(take_wide(text))
        }
    }

    pub fn is_restricted(path: &Path) -> Result<bool> {
        Ok(super::dacl_is_owner_only(&dacl(path)?, &user_sid()?))
    }
}

#[cfg(test)]
mod tests {
    use super::dacl_is_owner_only;

    const ME: &str = "S-1-5-21-1-2-3-1001";

    #[test]
    fn only_the_user_and_the_system_may_be_listed() {
        // What `restrict` sets on a file and on a folder.
        assert!(dacl_is_owner_only(&format!("D:P(A;;FA;;;{ME})"), ME));
        assert!(dacl_is_owner_only(&format!("D:P(A;OICI;FA;;;{ME})"), ME));
        // What wine reports for it (mode 0770, plus LocalSystem).
        assert!(dacl_is_owner_only(&format!("D:(A;;FA;;;SY)(A;;FA;;;{ME})"), ME));
        // A file that inherited %LOCALAPPDATA%'s ACL, or wine's default (Everyone may read).
        assert!(!dacl_is_owner_only(&format!("D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;{ME})"), ME));
        assert!(!dacl_is_owner_only(&format!("D:(A;;FA;;;SY)(A;;FA;;;{ME})(A;;0x1200a9;;;WD)"), ME));
        // Another user, a deny entry, no entry for the user, no DACL.
        assert!(!dacl_is_owner_only("D:P(A;;FA;;;S-1-5-21-1-2-3-1002)", ME));
        assert!(!dacl_is_owner_only(&format!("D:P(D;;FA;;;WD)(A;;FA;;;{ME})"), ME));
        assert!(!dacl_is_owner_only("D:P(A;;FA;;;SY)", ME));
        assert!(!dacl_is_owner_only("D:NO_ACCESS_CONTROL", ME));
        assert!(!dacl_is_owner_only("", ME));
    }
}
