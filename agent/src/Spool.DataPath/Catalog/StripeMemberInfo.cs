namespace Spool.DataPath.Catalog;

/// <summary>Which member of a striped set a tape file is, so each member describes itself.</summary>
public sealed record StripeMemberInfo(string Mode, int Width, int DataMembers, int MemberIndex, IReadOnlyList<string> MemberDrives);
