// The protocol schemas the commands check their input with. They load zod, which `tether --help`
// must not pay for (~30 ms), so commands import this module when they run, never at the top
// (the production-bundle test checks that the start of `tether` does not load zod).
export {
  CONSENT_SOCKET_FILE,
  ConsentIpcReply,
  CreateAdhocSessionRequest,
  CreateInstallerRequest,
  CreateScriptTokenRequest,
  CreateTenantRequest,
  CustomStorage,
  ExtendInstallerRequest,
  OemCompatibility,
  PERMISSIONS,
  PERMISSION_INFO,
  SecondFactorSettings,
  TenantId,
  invalidInput,
} from '@tether/protocol';
