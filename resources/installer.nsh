; Included by electron-builder's NSIS installer (nsis.include in scripts/packaging/builder-config.ts).
; Registers the muster:// protocol for the installed app, so invite links open Muster even
; before its first start (the app also registers itself at run time). SHELL_CONTEXT is HKCU
; for a per-user install and HKLM for a per-machine one; the uninstaller removes the key.

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\muster" "" "URL:Muster"
  WriteRegStr SHELL_CONTEXT "Software\Classes\muster" "URL Protocol" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\muster\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\muster\shell\open\command" "" '"$appExe" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHELL_CONTEXT "Software\Classes\muster"
!macroend
