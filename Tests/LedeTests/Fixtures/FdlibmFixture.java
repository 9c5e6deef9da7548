// Writes fdlibm.txt: inputs and the bit patterns of fdlibm exp, log and log1p (Java StrictMath is fdlibm),
// one line per input, hex: x exp(x) log(x) log1p(x). Run: javac FdlibmFixture.java && java FdlibmFixture > fdlibm.txt
public class FdlibmFixture {
  public static void main(String[] a) {
    long s = 0x243F6A8885A308D3L;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1200; i++) {
      s = s * 6364136223846793005L + 1442695040888963407L;
      double u = (s >>> 11) * 0x1.0p-53;
      double x;
      int kind = i % 6;
      if (kind == 0) x = -745 + u * 1455;
      else if (kind == 1) x = (u - 0.5) * 4;
      else if (kind == 2) x = Math.exp(-690 + u * 1380);
      else if (kind == 3) x = u;
      else if (kind == 4) x = (u - 0.5) * 1e-5;
      else x = Math.floor(u * 1000) + 1;
      sb.append(String.format("%016x %016x %016x %016x%n", Double.doubleToRawLongBits(x),
        Double.doubleToRawLongBits(StrictMath.exp(x)), Double.doubleToRawLongBits(StrictMath.log(x)),
        Double.doubleToRawLongBits(StrictMath.log1p(x))));
    }
    System.out.print(sb);
  }
}
