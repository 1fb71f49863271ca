namespace Spool.DataPath.Native;

/// <summary>The <c>mt_op</c> codes of <c>linux/mtio.h</c> that Spool uses.</summary>
public enum MtOperation : short
{
    Fsf = 1,
    Bsf = 2,
    Fsr = 3,
    Bsr = 4,
    Weof = 5,
    Rew = 6,
    Eom = 12,
    SetBlk = 20,
}
